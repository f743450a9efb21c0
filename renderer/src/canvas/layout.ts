/** Box sizes of block nodes on the canvas (they match the CSS of block nodes); the layout itself is the engine's. */
export const NODE_W = 212;
export const NODE_H = 96;
