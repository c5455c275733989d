/**
 * Device cgroup rules.
 *
 * @module
 */
import type { LinuxDeviceCgroup } from "./spec.js";

/**
 * Deny-all followed by containerd's `WithDefaultUnixDevices` allow list: null, random,
 * full, tty, zero, urandom, console, every pts (major 136) and ptmx, all `rwm`. Without
 * these, `/dev/null` and terminals fail inside the container under cgroup v1 and v2.
 */
export function defaultDeviceRules(): LinuxDeviceCgroup[] {
  const char = (major: number, minor?: number): LinuxDeviceCgroup =>
    minor === undefined
      ? { allow: true, type: "c", major, access: "rwm" }
      : { allow: true, type: "c", major, minor, access: "rwm" };
  return [
    { allow: false, access: "rwm" },
    char(1, 3), // /dev/null
    char(1, 8), // /dev/random
    char(1, 7), // /dev/full
    char(5, 0), // /dev/tty
    char(1, 5), // /dev/zero
    char(1, 9), // /dev/urandom
    char(5, 1), // /dev/console
    char(136), // /dev/pts/*
    char(5, 2), // /dev/ptmx
  ];
}

/** One rule allowing every device, as containerd's `WithAllDevicesAllowed` sets for privileged containers. */
export function allDevicesAllowed(): LinuxDeviceCgroup[] {
  return [{ allow: true, access: "rwm" }];
}
