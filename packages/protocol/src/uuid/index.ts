/** UUIDv7 (RFC 9562): creation, recognition and timestamp extraction. */
export { createUuidV7, isUuidV7, uuidV7Timestamp } from './uuidv7.js';
