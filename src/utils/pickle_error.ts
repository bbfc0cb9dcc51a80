// The error type of the pickle reader (shared by its helper modules).

/** A reader failure: malformed or truncated data, or a refused global; the message says which. */
export class PickleError extends Error {
  constructor(message: string) {
    super(`pickle: ${message}`);
    this.name = 'PickleError';
  }
}
