// Types of scripts/build-app.js for the TypeScript callers (e2e global setup).
export declare const ROOT: string;
export declare const RENDERER_INDEX: string;
export declare function rendererStaleReason(): string | null;
export declare function ensureRenderer(options?: { force?: boolean; log?: (line: string) => void }): boolean;
export declare function buildHost(): Promise<{ main: string; browser: string }>;
export declare function findElectron(): { path: string; reason?: undefined } | { path?: undefined; reason: string };
