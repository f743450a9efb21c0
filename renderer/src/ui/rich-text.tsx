/** Text with `code` spans (block descriptions quote parameter names in backticks). */
import { memo } from 'react';

/** Renders backtick-quoted parts as inline code. */
export const RichText = memo(function RichText({ text }: { text: string }) {
  const parts = text.split('`');
  return <>{parts.map((p, i) => (i % 2 ? <code key={i}>{p}</code> : p))}</>;
});
