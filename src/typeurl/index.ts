export { type AnyValue, decodeAny, encodeAny, isKnownType, normalizeTypeUrl } from "./any.js";
export {
  LINUX_RESOURCES_TYPE_URL,
  PROCESS_TYPE_URL,
  RUNC_OPTIONS_TYPE_URL,
  SPEC_TYPE_URL,
} from "./known-types.js";
