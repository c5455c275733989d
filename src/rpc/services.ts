import { type CallOptions, type Channel, type Client, createClientFactory } from "nice-grpc";
import { type DeadlineOptions, deadlineMiddleware } from "nice-grpc-client-middleware-deadline";
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
import { leaseMiddleware } from "../images/lease-context.js";
import { errorMiddleware } from "./error-middleware.js";
import { logMiddleware } from "./log-middleware.js";
import { type NamespaceCallOptions, namespaceMiddleware } from "./namespace-middleware.js";

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
 * @internal The service clients. Middleware order, outermost first: typed errors, logging,
 * namespace metadata, deadline (so a deadline that runs out is logged and typed too).
 */
export function createServices(channel: Channel, address: string): RawServices {
  const factory = createClientFactory()
    .use(deadlineMiddleware)
    .use(leaseMiddleware)
    .use(namespaceMiddleware)
    .use(logMiddleware)
    .use(errorMiddleware(address));
  const services: Partial<Record<keyof typeof definitions, unknown>> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    services[name as keyof typeof definitions] = factory.create(definition, channel);
  }
  return services as RawServices;
}
