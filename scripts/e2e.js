#!/usr/bin/env node
// Placeholder until the e2e runner lands with the editor (issue 6): reports that no e2e spec exists yet.
console.log('e2e: no specs yet');
