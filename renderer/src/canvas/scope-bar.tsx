/**
 * The breadcrumb over the canvas of an opened composite (design ▸ conv3_block1 ▸ ...): each crumb goes back to
 * that level (Escape goes up one), and a line says where edits go: a built-in block becomes a block of its own
 * at the first edit; a linked block changes for every use unless this use is made unique.
 */
import { useShallow } from 'zustand/react/shallow';
import { getBlock } from '../engine';
import { useEditor } from '../store';
import { scopeView } from '../store/scope';
import { Icon } from '../ui/icons';

/** Forks the open composite's definition for this use alone (one undo step). */
function makeUnique(): void {
  const { scope, dispatch, doc, showToast } = useEditor.getState();
  const levels = scopeView(doc, scope).levels;
  const path = levels.map((l) => l.nodeId);
  if (!path.length) return;
  // The command is the open composite's, made on the canvas around it.
  if (dispatch({ kind: 'editComposite', nodeId: path[path.length - 1], commands: [], applyTo: 'unique' }, { scope: path.slice(0, -1) })) {
    showToast('success', `'${levels[levels.length - 1].name}' now has a definition of its own`);
  }
}

/** The breadcrumb bar; renders nothing at the top level. */
export function ScopeBar() {
  const { doc, scope, setScope } = useEditor(useShallow((s) => ({ doc: s.doc, scope: s.scope, setScope: s.setScope })));
  const { levels } = scopeView(doc, scope);
  if (!levels.length) return null;
  const here = levels[levels.length - 1];
  const node = (levels.length > 1 ? levels[levels.length - 2].opened.doc : doc).nodes.find((n) => n.id === here.nodeId);
  const label = getBlock(node?.type ?? '')?.label ?? node?.type;
  const { opened } = here;
  return (
    <div className="ll-scopebar" data-testid="scope-bar">
      <nav className="ll-scopebar__crumbs" aria-label="Breadcrumb">
        <button className="ll-scopebar__crumb" onClick={() => setScope([])} data-testid="crumb-design" title="Back to the design (Escape goes up one level)">
          <Icon name="layers" size={12} /> design
        </button>
        {levels.map((l, i) => (
          <span key={l.nodeId} className="ll-scopebar__step">
            <span className="ll-scopebar__sep" aria-hidden>▸</span>
            {i === levels.length - 1 ? (
              <strong className="ll-scopebar__crumb is-current" aria-current="location" data-testid={`crumb-${l.nodeId}`}>{l.name}</strong>
            ) : (
              <button className="ll-scopebar__crumb" onClick={() => setScope(levels.slice(0, i + 1).map((x) => x.nodeId))} data-testid={`crumb-${l.nodeId}`}>{l.name}</button>
            )}
          </span>
        ))}
      </nav>
      <div className="ll-scopebar__mode" data-testid="scope-mode">
        {opened.builtIn ? (
          <span>{label}: your first edit makes this use a block of its own (the other uses keep the built-in).</span>
        ) : opened.uses > 1 ? (
          <>
            <span>
              Linked block <strong>{opened.definition.name}</strong>, {opened.uses} uses:
            </span>
            {/* Where edits go: the shared definition (every use) until this use is given a copy of its own. */}
            <div className="ll-segmented" role="radiogroup" aria-label="Where edits go">
              <button role="radio" aria-checked className="is-active" data-testid="apply-every-use" title="Edits change the shared definition, so every use">
                Apply to every use
              </button>
              <button role="radio" aria-checked={false} onClick={makeUnique} data-testid="make-unique" title="Copy the definition for this use, so edits here change only this one">
                Make this one unique
              </button>
            </div>
          </>
        ) : (
          <span>
            Block <strong>{opened.definition.name}</strong>, used once: edits change this use.
          </span>
        )}
        <button className="ll-button" onClick={() => setScope(scope.slice(0, -1))} data-testid="scope-up" title="Up one level (Escape)">
          <Icon name="collapse" size={12} /> Up
        </button>
      </div>
    </div>
  );
}
