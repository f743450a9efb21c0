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

  it('switching the language drops a toast written in the previous one; choosing the same language keeps it', () => {
    useEditor.getState().showToast('success', 'Applied: insert Flatten before it');
    useEditor.getState().setLanguage('en');
    expect(useEditor.getState().toast?.text).toBe('Applied: insert Flatten before it');
    useEditor.getState().setLanguage('zh-CN');
    expect(useEditor.getState().toast).toBeNull();
    expect(useEditor.getState().language).toBe('zh-CN');
    useEditor.getState().setLanguage('en');
  });
});
