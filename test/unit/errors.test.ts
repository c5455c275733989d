import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AbortError } from "abort-controller-x";
import { ClientError, Status } from "nice-grpc-common";
import {
  AbortedError,
  AlreadyExistsError,
  CanceledError,
  ConflictError,
  ContainerdError,
  DataLossError,
  DeadlineExceededError,
  FailedPreconditionError,
  findContainerdError,
  fromGrpcError,
  fromHttpStatus,
  type GrpcCodeName,
  grpcCodeName,
  grpcStatus,
  InternalError,
  InvalidArgumentError,
  isAbortError,
  isAbortedByServer,
  isAlreadyExists,
  isCanceled,
  isConflict,
  isContainerdError,
  isDataLoss,
  isDeadlineExceeded,
  isFailedPrecondition,
  isInternal,
  isInvalidArgument,
  isNotFound,
  isNotImplemented,
  isNotModified,
  isPermissionDenied,
  isResourceExhausted,
  isUnauthenticated,
  isUnavailable,
  isUnknown,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnknownError,
} from "../../src/errors/index.js";

type ErrorClass = abstract new (...args: never[]) => ContainerdError;

const PATH = "/containerd.services.containers.v1.Containers/Get";
const ADDRESS = "unix:///run/containerd/containerd.sock";

// One predicate per class; each classified error must satisfy exactly its own.
const PREDICATES = new Map<ErrorClass, (err: unknown) => boolean>([
  [NotFoundError, isNotFound],
  [AlreadyExistsError, isAlreadyExists],
  [ConflictError, isConflict],
  [NotModifiedError, isNotModified],
  [FailedPreconditionError, isFailedPrecondition],
  [InvalidArgumentError, isInvalidArgument],
  [PermissionDeniedError, isPermissionDenied],
  [UnauthenticatedError, isUnauthenticated],
  [ResourceExhaustedError, isResourceExhausted],
  [UnavailableError, isUnavailable],
  [NotImplementedError, isNotImplemented],
  [CanceledError, isCanceled],
  [DeadlineExceededError, isDeadlineExceeded],
  [AbortedError, isAbortedByServer],
  [InternalError, isInternal],
  [DataLossError, isDataLoss],
  [UnknownError, isUnknown],
]);

function assertOnlyPredicate(err: unknown, cls: ErrorClass): void {
  for (const [other, predicate] of PREDICATES) {
    assert.equal(predicate(err), other === cls, `${predicate.name || "predicate"} for ${cls.name}`);
  }
  assert.equal(isContainerdError(err), true);
}

interface Row {
  status: number;
  details: string;
  cls: ErrorClass;
  code: GrpcCodeName;
  statusCode: number;
  message: string;
}

const ROWS: Row[] = [
  { status: Status.OK, details: "", cls: UnknownError, code: "UNKNOWN", statusCode: 500, message: "unknown" },
  {
    status: Status.CANCELLED,
    details: 'wait for task "web": context canceled',
    cls: CanceledError,
    code: "CANCELLED",
    statusCode: 499,
    message: 'wait for task "web"',
  },
  {
    status: Status.UNKNOWN,
    details: "failed to create shim task: OCI runtime create failed: unknown",
    cls: UnknownError,
    code: "UNKNOWN",
    statusCode: 500,
    message: "failed to create shim task: OCI runtime create failed",
  },
  {
    status: Status.INVALID_ARGUMENT,
    details: 'identifier "a/b" must match [A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*: invalid argument',
    cls: InvalidArgumentError,
    code: "INVALID_ARGUMENT",
    statusCode: 400,
    message: 'identifier "a/b" must match [A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*',
  },
  {
    status: Status.DEADLINE_EXCEEDED,
    details: "context deadline exceeded",
    cls: DeadlineExceededError,
    code: "DEADLINE_EXCEEDED",
    statusCode: 504,
    message: "context deadline exceeded",
  },
  {
    status: Status.NOT_FOUND,
    details: 'container "x" in namespace "y": not found',
    cls: NotFoundError,
    code: "NOT_FOUND",
    statusCode: 404,
    message: 'container "x" in namespace "y"',
  },
  {
    status: Status.ALREADY_EXISTS,
    details: 'container "web": already exists',
    cls: AlreadyExistsError,
    code: "ALREADY_EXISTS",
    statusCode: 409,
    message: 'container "web"',
  },
  {
    status: Status.PERMISSION_DENIED,
    details: "open /var/lib/containerd/x: permission denied",
    cls: PermissionDeniedError,
    code: "PERMISSION_DENIED",
    statusCode: 403,
    message: "open /var/lib/containerd/x",
  },
  {
    status: Status.RESOURCE_EXHAUSTED,
    details: "grpc: received message larger than max (20000000 vs. 16777216)",
    cls: ResourceExhaustedError,
    code: "RESOURCE_EXHAUSTED",
    statusCode: 429,
    message: "grpc: received message larger than max (20000000 vs. 16777216)",
  },
  {
    status: Status.FAILED_PRECONDITION,
    details: "cannot delete running task web: failed precondition",
    cls: FailedPreconditionError,
    code: "FAILED_PRECONDITION",
    statusCode: 412,
    message: "cannot delete running task web",
  },
  {
    status: Status.ABORTED,
    details: "lease expired: aborted",
    cls: AbortedError,
    code: "ABORTED",
    statusCode: 409,
    message: "lease expired",
  },
  {
    status: Status.OUT_OF_RANGE,
    details: "offset 4096 past end of blob: out of range",
    cls: InvalidArgumentError,
    code: "OUT_OF_RANGE",
    statusCode: 400,
    message: "offset 4096 past end of blob",
  },
  {
    status: Status.UNIMPLEMENTED,
    details: "checkpoint: not implemented",
    cls: NotImplementedError,
    code: "UNIMPLEMENTED",
    statusCode: 501,
    message: "checkpoint",
  },
  {
    status: Status.INTERNAL,
    details: "metadata bucket corrupt: internal",
    cls: InternalError,
    code: "INTERNAL",
    statusCode: 500,
    message: "metadata bucket corrupt",
  },
  {
    status: Status.UNAVAILABLE,
    details: "No connection established. Last error: connect ENOENT /run/containerd/containerd.sock",
    cls: UnavailableError,
    code: "UNAVAILABLE",
    statusCode: 503,
    message: "No connection established. Last error: connect ENOENT /run/containerd/containerd.sock",
  },
  {
    status: Status.DATA_LOSS,
    details: "sha256:abc: digest mismatch: data loss",
    cls: DataLossError,
    code: "DATA_LOSS",
    statusCode: 500,
    message: "sha256:abc: digest mismatch",
  },
  {
    status: Status.UNAUTHENTICATED,
    details: "pull access denied: unauthorized",
    cls: UnauthenticatedError,
    code: "UNAUTHENTICATED",
    statusCode: 401,
    message: "pull access denied",
  },
  {
    status: 42,
    details: "strange proxy",
    cls: UnknownError,
    code: "UNKNOWN",
    statusCode: 500,
    message: "strange proxy",
  },
];

describe("fromGrpcError maps every gRPC status", () => {
  test("the table covers every Status value", () => {
    const covered = new Set(ROWS.map((row) => row.status));
    for (const value of Object.values(Status)) {
      if (typeof value === "number") assert.ok(covered.has(value), `Status ${Status[value]} has a row`);
    }
  });

  for (const row of ROWS) {
    test(`${Status[row.status] ?? row.status} → ${row.cls.name}`, () => {
      const grpc = new ClientError(PATH, row.status, row.details);
      const err = fromGrpcError(grpc, { address: ADDRESS });
      assert.ok(err instanceof row.cls);
      assert.ok(err instanceof ContainerdError);
      assert.ok(err instanceof Error);
      assert.equal(err.constructor, row.cls);
      assert.equal(err.name, row.cls.name);
      assert.equal(err.code, row.code);
      assert.equal(err.statusCode(), row.statusCode);
      assert.equal(err.message, row.message);
      assert.equal(err.cause, grpc);
      assert.equal(err.method, PATH);
      assert.equal(err.address, ADDRESS);
      assertOnlyPredicate(err, row.cls);
    });
  }
});

describe("fromGrpcError special cases", () => {
  const precondition = (details: string) =>
    fromGrpcError(new ClientError(PATH, Status.FAILED_PRECONDITION, details));

  test("FAILED_PRECONDITION ending in `: conflict` is a ConflictError with the suffix stripped", () => {
    const err = precondition('snapshot "k" changed: conflict');
    assert.ok(err instanceof ConflictError);
    assert.equal(err.message, 'snapshot "k" changed');
    assert.equal(err.code, "FAILED_PRECONDITION");
    assert.equal(err.statusCode(), 409);
    assert.equal(isFailedPrecondition(err), false);
  });

  test("a bare `conflict` is a ConflictError that keeps its text", () => {
    const err = precondition("conflict");
    assert.ok(err instanceof ConflictError);
    assert.equal(err.message, "conflict");
  });

  test("FAILED_PRECONDITION ending in `: not modified` is a NotModifiedError", () => {
    const err = precondition("image web: not modified");
    assert.ok(err instanceof NotModifiedError);
    assert.equal(err.message, "image web");
    assert.equal(err.statusCode(), 304);
    assert.ok(precondition("not modified") instanceof NotModifiedError);
  });

  test("`conflict` not preceded by `: ` is an ordinary FailedPreconditionError", () => {
    const err = precondition("label conflict");
    assert.ok(err instanceof FailedPreconditionError);
    assert.equal(err.message, "label conflict");
  });

  test("details that are only the class text keep it; empty details get it", () => {
    const bare = fromGrpcError(new ClientError(PATH, Status.NOT_FOUND, "not found"));
    assert.ok(bare instanceof NotFoundError);
    assert.equal(bare.message, "not found");
    const empty = fromGrpcError(new ClientError(PATH, Status.UNAVAILABLE, ""));
    assert.ok(empty instanceof UnavailableError);
    assert.equal(empty.message, "unavailable");
  });

  test("only the suffix for the error's own code is stripped", () => {
    const err = fromGrpcError(new ClientError(PATH, Status.INTERNAL, "lookup: not found"));
    assert.ok(err instanceof InternalError);
    assert.equal(err.message, "lookup: not found");
  });

  test("context.method wins over the ClientError path and is not added to the message", () => {
    const err = fromGrpcError(new ClientError(PATH, Status.NOT_FOUND, "x: not found"), {
      method: "Tasks.Get",
    });
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.method, "Tasks.Get");
    assert.equal(err.message, "x");
    assert.equal(err.address, undefined);
  });

  test("an AbortError passes through unchanged, never wrapped", () => {
    const fromLibrary = new AbortError();
    assert.equal(fromGrpcError(fromLibrary), fromLibrary);
    const fromPlatform: unknown = AbortSignal.abort().reason;
    assert.ok(isAbortError(fromPlatform));
    assert.equal(fromGrpcError(fromPlatform), fromPlatform);
  });

  test("a ContainerdError, a plain Error and non-errors pass through unchanged", () => {
    const classified = new NotFoundError("x");
    assert.equal(fromGrpcError(classified), classified);
    const plain = new Error("boom");
    assert.equal(fromGrpcError(plain), plain);
    const withStringCode = Object.assign(new Error("enoent"), { code: "ENOENT" });
    assert.equal(fromGrpcError(withStringCode), withStringCode);
    assert.equal(fromGrpcError("text"), "text");
    assert.equal(fromGrpcError(undefined), undefined);
  });

  test("a ClientError from another copy of nice-grpc is recognised by shape", () => {
    const foreign = Object.assign(new Error("foreign"), {
      name: "ClientError",
      path: PATH,
      code: Status.ALREADY_EXISTS,
      details: 'lease "l": already exists',
    });
    const err = fromGrpcError(foreign);
    assert.ok(err instanceof AlreadyExistsError);
    assert.equal(err.message, 'lease "l"');
    assert.equal(err.cause, foreign);
  });
});

describe("error classes", () => {
  test("constructor options: cause, code, field, statusCode", () => {
    const cause = new Error("inner");
    const err = new InvalidArgumentError("bad offset", { cause, code: "OUT_OF_RANGE", field: "offset" });
    assert.equal(err.cause, cause);
    assert.equal(err.code, "OUT_OF_RANGE");
    assert.equal(err.field, "offset");
    assert.equal(err.statusCode(), 400);
    assert.equal(new InvalidArgumentError("bad").code, "INVALID_ARGUMENT");
    assert.equal(new InvalidArgumentError("bad").field, undefined);
    assert.equal(new UnknownError("bad gateway", { statusCode: 502 }).statusCode(), 502);
  });

  test("without a cause option there is no cause property", () => {
    assert.equal("cause" in new NotFoundError("x"), false);
  });

  test("name, toString and stack carry the class name", () => {
    const err = new DeadlineExceededError("too slow");
    assert.equal(err.name, "DeadlineExceededError");
    assert.equal(String(err), "DeadlineExceededError: too slow");
    assert.match(err.stack ?? "", /^DeadlineExceededError: too slow\n/);
    assert.equal(new ContainerdError("x").name, "ContainerdError");
  });

  test("a bare ContainerdError is UNKNOWN and 500", () => {
    const err = new ContainerdError("x");
    assert.equal(err.code, "UNKNOWN");
    assert.equal(err.statusCode(), 500);
    assert.equal(isContainerdError(err), true);
    assert.equal(isUnknown(err), false);
  });

  test("every class has the table's default code and statusCode", () => {
    const expected: [ErrorClass, GrpcCodeName, number][] = [
      [NotFoundError, "NOT_FOUND", 404],
      [AlreadyExistsError, "ALREADY_EXISTS", 409],
      [ConflictError, "FAILED_PRECONDITION", 409],
      [NotModifiedError, "FAILED_PRECONDITION", 304],
      [FailedPreconditionError, "FAILED_PRECONDITION", 412],
      [InvalidArgumentError, "INVALID_ARGUMENT", 400],
      [PermissionDeniedError, "PERMISSION_DENIED", 403],
      [UnauthenticatedError, "UNAUTHENTICATED", 401],
      [ResourceExhaustedError, "RESOURCE_EXHAUSTED", 429],
      [UnavailableError, "UNAVAILABLE", 503],
      [NotImplementedError, "UNIMPLEMENTED", 501],
      [CanceledError, "CANCELLED", 499],
      [DeadlineExceededError, "DEADLINE_EXCEEDED", 504],
      [AbortedError, "ABORTED", 409],
      [InternalError, "INTERNAL", 500],
      [DataLossError, "DATA_LOSS", 500],
      [UnknownError, "UNKNOWN", 500],
    ];
    assert.equal(expected.length, PREDICATES.size);
    for (const [cls, code, statusCode] of expected) {
      const err = new (cls as unknown as new (message: string) => ContainerdError)("m");
      assert.equal(err.code, code, cls.name);
      assert.equal(err.statusCode(), statusCode, cls.name);
      assertOnlyPredicate(err, cls);
    }
  });
});

describe("instanceof by brand", () => {
  test("an object carrying the brands matches, as an error from a second copy would", () => {
    const foreign = {
      [Symbol.for("containerd-sdk/ContainerdError")]: true,
      [Symbol.for("containerd-sdk/NotFoundError")]: true,
    };
    assert.ok(foreign instanceof NotFoundError);
    assert.ok(foreign instanceof ContainerdError);
    assert.ok(!(foreign instanceof AlreadyExistsError));
    assert.equal(isNotFound(foreign), true);
  });

  test("subclass relations hold and siblings do not match", () => {
    const err = new NotFoundError("x");
    assert.ok(err instanceof NotFoundError);
    assert.ok(err instanceof ContainerdError);
    assert.ok(err instanceof Error);
    assert.ok(!(err instanceof AlreadyExistsError));
    assert.ok(!(new ContainerdError("x") instanceof NotFoundError));
    assert.ok(!(new Error("x") instanceof ContainerdError));
    const notObjects: unknown[] = [null, undefined, "NotFoundError", 404];
    for (const value of notObjects) assert.ok(!(value instanceof ContainerdError));
  });

  test("brands are not enumerable and do not clutter logs", () => {
    const err = new NotFoundError("x");
    assert.deepEqual(Object.keys(err), ["code"]);
  });

  test("an application subclass falls back to the prototype check and keeps the parent's brand", () => {
    class ImageMissingError extends NotFoundError {}
    const err = new ImageMissingError("busybox");
    assert.ok(err instanceof ImageMissingError);
    assert.ok(err instanceof NotFoundError);
    assert.ok(err instanceof ContainerdError);
    assert.ok(!(new NotFoundError("x") instanceof ImageMissingError));
    assert.equal(err.statusCode(), 404);
    assert.equal(isNotFound(err), true);
  });
});

describe("predicates", () => {
  test("look through wrapping errors", () => {
    const inner = new NotFoundError('container "web"');
    const wrapped = new Error("load failed", { cause: new Error("lookup", { cause: inner }) });
    assert.equal(isNotFound(wrapped), true);
    assert.equal(isContainerdError(wrapped), true);
    assert.equal(findContainerdError(wrapped), inner);
  });

  test("the outermost classified error wins", () => {
    const err = new Error("wrap", {
      cause: new ConflictError("raced", { cause: new NotFoundError("gone") }),
    });
    assert.equal(isConflict(err), true);
    assert.equal(isNotFound(err), false);
  });

  test("a raw ClientError in the chain is classified", () => {
    const err = new Error("wrap", { cause: new ClientError(PATH, Status.NOT_FOUND, "x: not found") });
    assert.equal(isNotFound(err), true);
    assert.equal(findContainerdError(err)?.message, "x");
  });

  test("unclassified errors and non-errors are false", () => {
    for (const value of [new Error("x"), new AbortError(), "x", undefined, null, 5, { cause: "nope" }]) {
      assert.equal(isContainerdError(value), false);
      assert.equal(isNotFound(value), false);
      assert.equal(findContainerdError(value), undefined);
    }
  });

  test("isAbortError knows a caller's abort from abort-controller-x, the platform and AbortSignal.timeout", () => {
    assert.equal(isAbortError(new AbortError()), true);
    assert.equal(isAbortError(AbortSignal.abort().reason), true);
    assert.equal(isAbortError(new DOMException("late", "TimeoutError")), true);
    assert.equal(isAbortError(new Error("wrapped", { cause: new AbortError() })), true);
  });

  test("isAbortError is false for containerd's ABORTED, which isAbortedByServer names", () => {
    const aborted = fromGrpcError(new ClientError(PATH, Status.ABORTED, "lease expired: aborted"));
    assert.equal(isAbortError(aborted), false);
    assert.equal(isAbortedByServer(aborted), true);
    assert.equal(isAbortedByServer(new AbortError()), false);
    for (const value of [new Error("x"), "AbortError", undefined, null, { name: "TimeoutError" }]) {
      assert.equal(isAbortError(value), false);
    }
  });

  test("cause cycles end the walk", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    Object.assign(a, { cause: b });
    assert.equal(isNotFound(a), false);
    const self = new Error("self");
    Object.assign(self, { cause: self });
    assert.equal(isContainerdError(self), false);
    const classifiedInCycle = new Error("c", { cause: new NotFoundError("x", { cause: a }) });
    assert.equal(isNotFound(classifiedInCycle), true);
  });
});

describe("fromHttpStatus", () => {
  test("follows containerd's HTTP mapping and keeps the status", () => {
    const cases: [number, ErrorClass][] = [
      [304, NotModifiedError],
      [400, InvalidArgumentError],
      [401, UnauthenticatedError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [412, FailedPreconditionError],
      [429, ResourceExhaustedError],
      [500, InternalError],
      [501, NotImplementedError],
      [503, UnavailableError],
      [502, UnknownError],
      [418, UnknownError],
    ];
    for (const [status, cls] of cases) {
      const err = fromHttpStatus(status, `registry said ${status}`);
      assert.ok(err instanceof cls, `${status}`);
      assert.equal(err.statusCode(), status);
      assert.equal(err.message, `registry said ${status}`);
    }
  });

  test("passes cause and context through", () => {
    const cause = new Error("HTTP 401");
    const err = fromHttpStatus(401, "unauthorized", { cause, address: "https://registry-1.docker.io" });
    assert.equal(err.cause, cause);
    assert.equal(err.address, "https://registry-1.docker.io");
  });
});

describe("gRPC code names", () => {
  test("every Status has a name that round-trips", () => {
    for (const value of Object.values(Status)) {
      if (typeof value !== "number") continue;
      const name = grpcCodeName(value);
      assert.equal(name, Status[value]);
      assert.equal(grpcStatus(name as GrpcCodeName), value);
    }
    assert.equal(grpcCodeName(17), undefined);
    assert.equal(grpcCodeName(-1), undefined);
  });
});
