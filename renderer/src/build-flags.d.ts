/** Set by vite.config.ts `define`: true only in test builds (e2e specs, benchmarks), which carry the page's test hook. */
declare const __LAYERLOOM_TEST_HOOK__: boolean;
