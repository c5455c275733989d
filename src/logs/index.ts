export { DEFAULT_LOG_DIR, LOG_DIR_ENV } from "./layout.js";
export type { LogEntry, LogFileOptions, LogOption, LogsOptions } from "./options.js";
