import * as cgroupsV1 from "../gen/github.com/containerd/cgroups/stats/v1/metrics.js";
import * as cgroupsV2 from "../gen/github.com/containerd/cgroups/v2/stats/metrics.js";
import * as containerEvents from "../gen/github.com/containerd/containerd/api/events/container.js";
import * as contentEvents from "../gen/github.com/containerd/containerd/api/events/content.js";
import * as imageEvents from "../gen/github.com/containerd/containerd/api/events/image.js";
import * as namespaceEvents from "../gen/github.com/containerd/containerd/api/events/namespace.js";
import * as snapshotEvents from "../gen/github.com/containerd/containerd/api/events/snapshot.js";
import * as taskEvents from "../gen/github.com/containerd/containerd/api/events/task.js";
import * as runcOptions from "../gen/github.com/containerd/containerd/runtime/v2/runc/options/oci.js";
import { registerJsonType, registerProtoModule } from "./registry.js";

/** Type URL of a container's OCI runtime spec (JSON). */
export const SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
/** Type URL of an exec'd process's OCI process spec (JSON). */
export const PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
/** Type URL of the OCI LinuxResources a task update carries (JSON). */
export const LINUX_RESOURCES_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";
/** Type URL of runc's runtime options (`io.containerd.runc.v2`). */
export const RUNC_OPTIONS_TYPE_URL = "containerd.runc.v1.Options";

// Events live in containerd.events, except image events, which kept their service's package.
registerProtoModule("containerd.events", containerEvents);
registerProtoModule("containerd.events", contentEvents);
registerProtoModule("containerd.events", namespaceEvents);
registerProtoModule("containerd.events", snapshotEvents);
registerProtoModule("containerd.events", taskEvents);
registerProtoModule("containerd.services.images.v1", imageEvents);
registerProtoModule("containerd.runc.v1", runcOptions);
registerProtoModule("io.containerd.cgroups.v1", cgroupsV1);
registerProtoModule("io.containerd.cgroups.v2", cgroupsV2);
for (const url of [SPEC_TYPE_URL, PROCESS_TYPE_URL, LINUX_RESOURCES_TYPE_URL]) registerJsonType(url);
