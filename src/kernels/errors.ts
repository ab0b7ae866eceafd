import { FrucError } from '../errors.ts';

/** A kernel that a composite wasm kernel builds on is not registered. */
export class KernelUnavailableError extends FrucError {
  constructor(kernelName: string) {
    super(
      'FRUC_KERNEL_UNAVAILABLE',
      `the wasm backend has no ${kernelName} kernel; reinstall ` +
        '@tensorflow/tfjs-backend-wasm 4.22 or use --backend cpu.',
    );
    this.name = 'KernelUnavailableError';
  }
}

/** A kernel was asked for a layout or setting it does not implement. */
export class KernelUnsupportedError extends FrucError {
  constructor(kernelName: string, what: string) {
    super(
      'FRUC_KERNEL_UNSUPPORTED',
      `${kernelName} on wasm does not support ${what}; use channels-last ` +
        '(NHWC) tensors or --backend cpu.',
    );
    this.name = 'KernelUnsupportedError';
  }
}
