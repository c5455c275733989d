/**
 * The public shapes of networks, attachments and published ports.
 *
 * @module
 */

/** A transport a published port forwards. */
export type PortProtocol = "tcp" | "udp";

/** A port to publish on the host, as the caller asks for it. */
export interface PortMapping {
  /** The port the container listens on, 1 to 65535. */
  containerPort: number;
  /** The host port; absent or 0 lets the SDK choose a free one. */
  hostPort?: number;
  /** The host address to publish on; default every address (`"0.0.0.0"`), loopback included. */
  hostIp?: string;
  /** Default `"tcp"`. */
  protocol?: PortProtocol;
}

/** A port as published: every field known. */
export interface PublishedPort {
  containerPort: number;
  hostPort: number;
  /** `"0.0.0.0"` for every host address. */
  hostIp: string;
  protocol: PortProtocol;
}

/** Options of `networks.create`. */
export interface NetworkCreateOptions {
  /** An IPv4 block such as `"10.89.0.0/24"`; default: a free /24 the SDK picks. */
  subnet?: string;
  /** The bridge's address inside `subnet`; default its first host address. */
  gateway?: string;
  /** The bridge device's name (at most 15 characters); default one derived from the subnet. */
  bridge?: string;
  labels?: Record<string, string>;
}

/** A bridge network the SDK keeps. */
export interface Network {
  name: string;
  subnet: string;
  gateway: string;
  /** The bridge device on the host (made by the first attachment, removed with the network). */
  bridge: string;
  labels: Record<string, string>;
  createdAt: Date;
}

/** Joining a network the SDK keeps, with published ports and extra names. */
export interface NetworkJoin {
  /** The network's name; default `"bridge"`, the default network, made on first use. */
  name?: string;
  ports?: PortMapping[];
  /** More names the container answers to in its network's hosts files. */
  aliases?: string[];
}

/**
 * A container's network: `"none"` (loopback only), `"host"` (the host's stack), a network's name
 * (`"bridge"` is the default network), a {@link NetworkJoin}, or `{ container }` to share another
 * container's network namespace.
 */
export type NetworkRequest = "none" | "host" | "bridge" | (string & {}) | NetworkJoin | { container: string };

/** What a task reports as its network. */
export interface NetworkInfo {
  /** The network's name, `"host"`, `"none"`, or `"container:<id>"`. */
  name: string;
  /** The container's address, for a bridge network (or the shared one's). */
  ip?: string;
  gateway?: string;
  ports: PublishedPort[];
}

/** The files the container's spec bind-mounts over its own `/etc`. */
export interface NetworkFiles {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

/** How a container is attached, as {@link Networks.attach} made it and its cache keeps it. */
export interface NetworkAttachment extends NetworkInfo {
  containerId: string;
  /** The containerd namespace the container lives in. */
  namespace: string;
  mode: "bridge" | "host" | "none" | "container";
  /** The pinned network namespace the spec joins; absent for `"host"` and `"none"`. */
  netnsPath?: string;
  /** The subnet of the container's network, for a bridge network. */
  subnet?: string;
  hostname: string;
  aliases: string[];
  /** For `{ container }`: whose namespace is shared. */
  peer?: string;
  files: NetworkFiles;
}
