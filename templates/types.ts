/** Shared types of the template library. */
import type { DesignDocument } from '../engine/schema/document';

/** How a template is retargeted: the input shape (without batch) and the number of classes. */
export interface TemplateOptions {
  inputShape?: number[];
  classes?: number;
}

/** One entry of the template library. */
export interface TemplateInfo {
  /** Lowercase name used by the CLI (`resnet18`, `se-resnet50`). */
  name: string;
  title: string;
  description: string;
  /** The paper (or implementation) the architecture comes from. */
  source: string;
  defaultInputShape: number[];
  defaultClasses: number;
  /** Builds the design document, retargeted by `options`. */
  build(options?: TemplateOptions): DesignDocument;
}
