import { FrucError } from '../errors.ts';

/** A loss name that the registry does not know. */
export class UnknownLossError extends FrucError {
  constructor(name: string, valid: readonly string[], nearest?: string) {
    const hint = nearest ? `did you mean "${nearest}"? ` : '';
    super(
      'FRUC_UNKNOWN_LOSS',
      `unknown loss "${name}"; ${hint}valid losses: ${valid.join(', ')}.`,
      2,
    );
    this.name = 'UnknownLossError';
  }
}

/**
 * A loss got tensors of the wrong rank or shape, or lacks a discriminator
 * output it needs. A programming error in the caller, not a user error.
 */
export class LossInputError extends FrucError {
  constructor(message: string) {
    super('FRUC_LOSS_INPUT', message, 1);
    this.name = 'LossInputError';
  }
}
