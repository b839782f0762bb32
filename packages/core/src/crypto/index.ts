export { deriveKey, open, seal } from './aead.js';
export { pseudonymize } from './pseudonym.js';
