import { type CallOptions, type Channel, type Client, createClientFactory } from "nice-grpc";
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
import { TasksDefinition } from "../gen/github.com/containerd/containerd/api/services/tasks/v1/tasks.js";
import { VersionDefinition } from "../gen/github.com/containerd/containerd/api/services/version/v1/version.js";
import { HealthDefinition } from "../gen/grpc/health/v1/health.js";
import type { NamespaceCallOptions } from "./call-metadata.js";
import { callMiddleware } from "./call-middleware.js";

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
  tasks: TasksDefinition,
  version: VersionDefinition,
};

/**
 * containerd's gRPC services as nice-grpc clients over one channel, generated message types and all.
 * This is the deliberate raw-stub accessor (`client.raw`): prefer the handles.
 */
export type RawServices = {
  [K in keyof typeof definitions]: Client<(typeof definitions)[K], RawCallOptions>;
};

/**
 * @internal The service clients, each made on first use (a script touches three or four of the
 * twelve), all through {@link callMiddleware}.
 */
export function createServices(channel: Channel, address: string): RawServices {
  const factory = createClientFactory().use(callMiddleware(address));
  const services = {} as RawServices;
  for (const name of Object.keys(definitions) as Array<keyof typeof definitions>) {
    Object.defineProperty(services, name, {
      enumerable: true,
      configurable: true,
      get() {
        const client = factory.create(definitions[name], channel);
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
