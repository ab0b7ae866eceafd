/**
 * Kernels that the WASM backend lacks or runs slowly, registered on import.
 * Issue "Fast on CPU" fills this module; it is imported by the backend
 * selector whenever the wasm backend starts.
 */
export {};
