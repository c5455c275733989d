/**
 * The logger holder: a 195-byte static x86-64 Linux program the per-container logger script
 * `exec`s into once the logging daemon has taken its pipes. An idle `sh` keeps about 230 KiB of
 * private memory per container; this keeps about 12 KiB, which is what brings a logged container
 * under Docker's json-file cost. It keeps the shim's pipes and the pid the shim will SIGTERM,
 * blocks reading fd 6 (the hold FIFO: EOF when the daemon dies), sleeps 50 ms and `exec`s the
 * script again (argv[1], with the same arguments and environment), which restarts the daemon.
 *
 * Its machine code, assembled from (GNU as, Intel syntax):
 *
 *     mov  rbx, rsp              ; argc, argv[], NULL, envp[] as the kernel laid them out
 *     xor  eax, eax              ; read(6, buf, 1)
 *     mov  edi, 6
 *     lea  rsi, [rsp-16]
 *     mov  edx, 1
 *     syscall
 *     push 50000000              ; nanosleep({0, 50 ms}, NULL)
 *     push 0
 *     mov  rdi, rsp
 *     xor  esi, esi
 *     mov  eax, 35
 *     syscall
 *     mov  rcx, [rbx]            ; execve(argv[1], &argv[1], envp)
 *     lea  rsi, [rbx+16]
 *     mov  rdi, [rsi]
 *     lea  rdx, [rbx+rcx*8+16]
 *     mov  eax, 59
 *     syscall
 *     mov  edi, 127              ; exit(127) when execve failed
 *     mov  eax, 60
 *     syscall
 */
const CODE =
  "4889e331c0bf06000000488d7424f0ba010000000f056880f0fa026a004889e7" +
  "31f6b8230000000f05488b0b488d7310488b3e488d54cb10b83b0000000f05bf" +
  "7f000000b83c0000000f05";

/** Where the kernel maps the file: the usual base of a static executable. */
const BASE = 0x400000n;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;

/** @internal Whether this machine can run the holder (x86-64 Linux). */
export function holderSupported(): boolean {
  return process.platform === "linux" && process.arch === "x64";
}

/** @internal The holder as an ELF file: one header, one read+execute segment that maps the whole file. */
export function holderElf(): Buffer {
  const code = Buffer.from(CODE, "hex");
  const size = EHDR_SIZE + PHDR_SIZE + code.length;
  const elf = Buffer.alloc(size);
  elf.write("7f454c46020101", 0, "hex"); // magic, 64-bit, little-endian, version 1, System V ABI
  elf.writeUInt16LE(2, 16); // executable
  elf.writeUInt16LE(0x3e, 18); // x86-64
  elf.writeUInt32LE(1, 20); // version
  elf.writeBigUInt64LE(BASE + BigInt(EHDR_SIZE + PHDR_SIZE), 24); // entry point: the code
  elf.writeBigUInt64LE(BigInt(EHDR_SIZE), 32); // program headers follow this header
  elf.writeUInt16LE(EHDR_SIZE, 52);
  elf.writeUInt16LE(PHDR_SIZE, 54);
  elf.writeUInt16LE(1, 56); // one program header, no section headers
  const ph = EHDR_SIZE;
  elf.writeUInt32LE(1, ph); // loadable
  elf.writeUInt32LE(5, ph + 4); // read + execute
  elf.writeBigUInt64LE(BASE, ph + 16); // virtual address (offset 0 maps to it)
  elf.writeBigUInt64LE(BASE, ph + 24); // physical address
  elf.writeBigUInt64LE(BigInt(size), ph + 32); // size in the file
  elf.writeBigUInt64LE(BigInt(size), ph + 40); // size in memory
  elf.writeBigUInt64LE(0x1000n, ph + 48); // alignment
  code.copy(elf, EHDR_SIZE + PHDR_SIZE);
  return elf;
}
