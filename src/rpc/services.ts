import type { CallOptions, Client } from "nice-grpc";
import type { DeadlineOptions } from "nice-grpc-client-middleware-deadline";
import { ContainersDefinition } from "../gen/github.com/containerd/containerd/api/services/containers/v1/containers.js";
import { ContentDefinition } from "../gen/github.com/containerd/containerd/api/services/content/v1/content.js";
import { DiffDefinition } from "../gen/github.com/containerd/containerd/api/services/diff/v1/diff.js";
import { EventsDefinition } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { ImagesDefinition } from "../gen/github.com/containerd/containerd/api/services/images/v1/images.js";
import { IntrospectionDefinition } from "../gen/github.com/containerd/containerd/api/services/introspection/v1/introspection.js";
import { LeasesDefinition } from "../gen/github.com/containerd/containerd/api/services/leases/v1/leases.js";
import { NamespacesDefinition } from "../gen/github.com/containerd/containerd/api/services/namespaces/v1/namespace.js";
import { SnapshotsDefinition } from "../gen/github.com/containerd/containerd/api/services/snapshots/v1/snapshots.js";
import { StreamingDefinition } from "../gen/github.com/containerd/containerd/api/services/streaming/v1/streaming.js";
import { TasksDefinition } from "../gen/github.com/containerd/containerd/api/services/tasks/v1/tasks.js";
import { TransferDefinition } from "../gen/github.com/containerd/containerd/api/services/transfer/v1/transfer.js";
import { VersionDefinition } from "../gen/github.com/containerd/containerd/api/services/version/v1/version.js";
import { HealthDefinition } from "../gen/grpc/health/v1/health.js";
import type { NamespaceCallOptions } from "./call-metadata.js";

/** Options every raw call accepts: `namespace` (metadata), `deadline` (ms or Date), `signal`. */
export type RawCallOptions = CallOptions & NamespaceCallOptions & DeadlineOptions;

const definitions = {
  containers: ContainersDefinition,
  content: ContentDefinition,
  diff: DiffDefinition,
  events: EventsDefinition,
  health: HealthDefinition,
  images: ImagesDefinition,
  introspection: IntrospectionDefinition,
  leases: LeasesDefinition,
  namespaces: NamespacesDefinition,
  snapshots: SnapshotsDefinition,
  /** containerd 1.7+: the streams Transfer reads progress and credentials through. */
  streaming: StreamingDefinition,
  tasks: TasksDefinition,
  /** containerd 1.7+: daemon-side pull, push, import and export. */
  transfer: TransferDefinition,
  version: VersionDefinition,
};

/**
 * containerd's gRPC services as nice-grpc clients over one channel, generated message types and all.
 * This is the deliberate raw-stub accessor (`client.raw`): prefer the handles.
 */
export type RawServices = {
  [K in keyof typeof definitions]: Client<(typeof definitions)[K], RawCallOptions>;
};

/** @internal A service definition of {@link RawServices}. */
export type ServiceDefinitionOf = (typeof definitions)[keyof typeof definitions];

/** @internal The services over one channel, and how to close it. */
export interface OpenServices {
  services: RawServices;
  /** Closes the channel: no new calls, and the open ones end UNAVAILABLE. */
  close(): void;
}

/**
 * @internal The service clients, each made by `create` on first use (a script touches three or
 * four of the fourteen).
 */
export function lazyServices(create: (definition: ServiceDefinitionOf) => unknown): RawServices {
  const services = {} as RawServices;
  for (const name of Object.keys(definitions) as Array<keyof typeof definitions>) {
    Object.defineProperty(services, name, {
      enumerable: true,
      configurable: true,
      get() {
        const client = create(definitions[name]);
        Object.defineProperty(services, name, {
          value: client,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        return client;
      },
    });
  }
  return services;
}
