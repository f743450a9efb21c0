/**
 * The breadcrumb over the canvas of an opened composite (design ▸ conv3_block1 ▸ ...): each crumb goes back to
 * that level (Escape goes up one), and a line says where edits go: a built-in block becomes a block of its own
 * at the first edit; a linked block changes for every use unless this use is made unique.
 */
import { Trans, useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { getBlock } from '../engine';
import { t as translate } from '../i18n';
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
    showToast('success', translate('scope.madeUnique', { name: levels[levels.length - 1].name }));
  }
}

/** The breadcrumb bar; renders nothing at the top level. */
export function ScopeBar() {
  const { t } = useTranslation();
  const { doc, scope, setScope } = useEditor(useShallow((s) => ({ doc: s.doc, scope: s.scope, setScope: s.setScope })));
  const { levels } = scopeView(doc, scope);
  if (!levels.length) return null;
  const here = levels[levels.length - 1];
  const node = (levels.length > 1 ? levels[levels.length - 2].opened.doc : doc).nodes.find((n) => n.id === here.nodeId);
  const label = getBlock(node?.type ?? '')?.label ?? node?.type;
  const { opened } = here;
  return (
    <div className="ll-scopebar" data-testid="scope-bar">
      <nav className="ll-scopebar__crumbs" aria-label={t('scope.breadcrumb')}>
        <button className="ll-scopebar__crumb" onClick={() => setScope([])} data-testid="crumb-design" title={t('scope.backTitle')}>
          <Icon name="layers" size={12} /> {t('scope.design')}
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
          <span>{t('scope.builtIn', { label })}</span>
        ) : opened.uses > 1 ? (
          <>
            <span>
              <Trans t={t} i18nKey="scope.linked" values={{ name: opened.definition.name, uses: opened.uses }} components={{ strong: <strong /> }} />
            </span>
            {/* Where edits go: the shared definition (every use) until this use is given a copy of its own. */}
            <div className="ll-segmented" role="radiogroup" aria-label={t('scope.where')}>
              <button role="radio" aria-checked className="is-active" data-testid="apply-every-use" title={t('scope.everyUseTitle')}>
                {t('scope.everyUse')}
              </button>
              <button role="radio" aria-checked={false} onClick={makeUnique} data-testid="make-unique" title={t('scope.uniqueTitle')}>
                {t('scope.unique')}
              </button>
            </div>
          </>
        ) : (
          <span>
            <Trans t={t} i18nKey="scope.once" values={{ name: opened.definition.name }} components={{ strong: <strong /> }} />
          </span>
        )}
        <button className="ll-button" onClick={() => setScope(scope.slice(0, -1))} data-testid="scope-up" title={t('scope.upTitle')}>
          <Icon name="collapse" size={12} /> {t('scope.up')}
        </button>
      </div>
    </div>
  );
}
