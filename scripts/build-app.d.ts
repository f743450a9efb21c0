// Types of scripts/build-app.js for the TypeScript callers (e2e global setup).
export declare const ROOT: string;
export declare const RENDERER_INDEX: string;
export declare const RENDERER_DIR: string;
export declare const TEST_RENDERER_DIR: string;
export declare function rendererDir(options?: { test?: boolean }): string;
export declare function rendererStaleReason(options?: { test?: boolean }): string | null;
export declare function ensureRenderer(options?: { force?: boolean; test?: boolean; log?: (line: string) => void }): boolean;
export declare function buildHost(): Promise<{ main: string; browser: string }>;
export declare function findElectron(): { path: string; reason?: undefined } | { path?: undefined; reason: string };
