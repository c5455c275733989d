import { Status } from "nice-grpc-common";

/**
 * A gRPC status code by its canonical name. Errors carry the name rather than the number so logs and
 * `switch` statements read the same as the gRPC documentation.
 */
export type GrpcCodeName =
  | "OK"
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

// Keyed by the enum so the compiler proves every status has a name.
const NAMES: Readonly<Record<Status, GrpcCodeName>> = {
  [Status.OK]: "OK",
  [Status.CANCELLED]: "CANCELLED",
  [Status.UNKNOWN]: "UNKNOWN",
  [Status.INVALID_ARGUMENT]: "INVALID_ARGUMENT",
  [Status.DEADLINE_EXCEEDED]: "DEADLINE_EXCEEDED",
  [Status.NOT_FOUND]: "NOT_FOUND",
  [Status.ALREADY_EXISTS]: "ALREADY_EXISTS",
  [Status.PERMISSION_DENIED]: "PERMISSION_DENIED",
  [Status.RESOURCE_EXHAUSTED]: "RESOURCE_EXHAUSTED",
  [Status.FAILED_PRECONDITION]: "FAILED_PRECONDITION",
  [Status.ABORTED]: "ABORTED",
  [Status.OUT_OF_RANGE]: "OUT_OF_RANGE",
  [Status.UNIMPLEMENTED]: "UNIMPLEMENTED",
  [Status.INTERNAL]: "INTERNAL",
  [Status.UNAVAILABLE]: "UNAVAILABLE",
  [Status.DATA_LOSS]: "DATA_LOSS",
  [Status.UNAUTHENTICATED]: "UNAUTHENTICATED",
};

const STATUSES = new Map<GrpcCodeName, Status>(
  Object.entries(NAMES).map(([status, name]) => [name, Number(status) as Status]),
);

/**
 * The name of a numeric gRPC status, or `undefined` for a number outside the 17 defined codes (a
 * misbehaving server or proxy can send one).
 */
export function grpcCodeName(status: number): GrpcCodeName | undefined {
  return Object.hasOwn(NAMES, status) ? NAMES[status as Status] : undefined;
}

/** The numeric nice-grpc `Status` for a code name: the inverse of {@link grpcCodeName}. */
export function grpcStatus(name: GrpcCodeName): Status {
  return STATUSES.get(name) ?? Status.UNKNOWN;
}
