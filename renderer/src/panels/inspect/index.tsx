/** What the app mounts for the Inspect panel, and its toggle. */
export { InspectPanel } from './inspect-panel';
export { toggleInspectPanel } from './inspect-controller';
