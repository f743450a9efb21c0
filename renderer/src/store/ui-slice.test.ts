import { describe, expect, it } from 'vitest';
import { useEditor } from './index';

describe('ui slice', () => {
  it('View ▸ Toggle Minimap hides and shows the minimap', () => {
    const s = useEditor.getState();
    expect(s.minimapVisible).toBe(true);
    s.toggleMinimap();
    expect(useEditor.getState().minimapVisible).toBe(false);
    useEditor.getState().toggleMinimap();
    expect(useEditor.getState().minimapVisible).toBe(true);
  });
});
