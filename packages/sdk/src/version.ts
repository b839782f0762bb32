/** The SDK's name and version, as records carry them in `producer.sdk`. */
export const SDK_NAME = '@docket/sdk';
/** Kept equal to package.json's version (checked by version.test.ts). */
export const SDK_VERSION = '0.1.0';
