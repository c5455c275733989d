// Runs the test runner examples (examples/runners/<runner>) as a user would: copied into a project
// that has the packed tarball installed, each runner from this checkout's devDependencies, on the
// Node running this test, against the containerd that $CONTAINERD_ADDRESS names.
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");

/** The runners with an example directory under examples/runners. */
export type Runner = "node-test" | "vitest" | "jest";

/** What a runner reported. */
export interface RunnerResult {
  passed: number;
  failed: number;
  /** Its stdout and stderr, for a failure's message. */
  output: string;
}

/**
 * Makes `dir` a project whose modules are `consumer`'s (the packed tarball installed), with
 * vitest from this checkout's node_modules added, for the examples' `vitest` imports.
 */
export async function runnersProject(dir: string, consumer: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "runners", type: "module" }));
  await symlink(join(consumer, "node_modules"), join(dir, "node_modules"));
  await symlink(join(root, "node_modules/vitest"), join(consumer, "node_modules/vitest"));
}

/** The command that runs `runner` on its example, two test files at a time, writing a report to `report`. */
function command(runner: Runner, report: string, cacheDir: string): string[] {
  switch (runner) {
    case "node-test":
      return [
        "--test",
        "--test-concurrency=2",
        "--test-global-setup=global-setup.ts",
        "--test-reporter=spec",
      ];
    case "vitest":
      return [
        join(root, "node_modules/vitest/vitest.mjs"),
        "run",
        "--maxWorkers=2",
        "--reporter=json",
        `--outputFile=${report}`,
      ];
    case "jest":
      return [
        join(root, "node_modules/jest/bin/jest.js"),
        "--ci",
        "--no-watchman",
        "--maxWorkers=2",
        "--json",
        `--outputFile=${report}`,
        "--cacheDirectory",
        cacheDir,
      ];
  }
}

/** node:test's spec summary (`ℹ pass 4`). */
function specCounts(output: string): Pick<RunnerResult, "passed" | "failed"> {
  const count = (name: string) => Number(output.match(new RegExp(`^ℹ ${name} (\\d+)$`, "m"))?.[1] ?? -1);
  return { passed: count("pass"), failed: count("fail") };
}

/** Vitest's and Jest's JSON report (the same shape for what is read here). */
interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
}

/**
 * Copies examples/runners/`runner` into the project `dir` and runs the runner there; resolves
 * with what it reported, whether it passed or not.
 */
export async function runExample(
  runner: Runner,
  dir: string,
  env: Record<string, string>,
): Promise<RunnerResult> {
  const cwd = join(dir, runner);
  await cp(join(root, "examples/runners", runner), cwd, { recursive: true });
  const report = join(dir, `${runner}-report.json`);
  // A node:test child would otherwise report to this test's runner instead of printing a summary.
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const args = command(runner, report, join(dir, ".jest-cache"));
  const result = await exec(process.execPath, args, {
    cwd,
    env: { ...inherited, ...env },
    timeout: 10 * 60_000,
    maxBuffer: 16 << 20,
  }).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? "",
    stderr: err.stderr ?? "",
  }));
  const output = `${result.stdout}\n${result.stderr}`;
  if (runner === "node-test") return { ...specCounts(output), output };
  const json = JSON.parse(await readFile(report, "utf8").catch(() => "{}")) as Partial<JsonReport>;
  return { passed: json.numPassedTests ?? -1, failed: json.numFailedTests ?? -1, output };
}
