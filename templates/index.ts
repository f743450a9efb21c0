/**
 * The template library: every built-in design, by the lowercase name the CLI and the app use. Each entry builds
 * its document from a builder, retargeted by input shape and class count; `templates/<name>.json` holds the
 * default build (written by `generate.ts`, checked against the builders in CI).
 */
import type { DesignDocument } from '../engine/schema/document';
import { DesignError } from '../engine/errors';
import { buildAlexNet, buildFashionCnn, buildLeNet5 } from './builders/classic';
import { buildGhostNet } from './builders/ghostnet';
import { buildGoogLeNet, buildGoogLeNetAux } from './builders/googlenet';
import { buildMobileNet, buildMobileNetV2 } from './builders/mobilenet';
import { buildResnet } from './builders/resnet';
import { buildSeResNet50 } from './builders/se-resnet';
import { buildVgg } from './builders/vgg';
import type { TemplateInfo, TemplateOptions } from './types';

export type { TemplateInfo, TemplateOptions } from './types';

type Entry = Omit<TemplateInfo, 'description' | 'source' | 'title'> & { title?: string };

const IMAGENET = [224, 224, 3];

/** Templates in listing order. Title, description and source come from the built document itself. */
const ENTRIES: Entry[] = [
  { name: 'lenet5', defaultInputShape: [32, 32, 1], defaultClasses: 10, build: buildLeNet5 },
  { name: 'alexnet', defaultInputShape: [227, 227, 3], defaultClasses: 1000, build: buildAlexNet },
  { name: 'vgg11', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildVgg(11, o) },
  { name: 'vgg16', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildVgg(16, o) },
  { name: 'vgg19', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildVgg(19, o) },
  { name: 'resnet18', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildResnet(18, o) },
  { name: 'resnet34', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildResnet(34, o) },
  { name: 'resnet50', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildResnet(50, o) },
  { name: 'resnet101', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildResnet(101, o) },
  { name: 'resnet152', defaultInputShape: IMAGENET, defaultClasses: 1000, build: (o) => buildResnet(152, o) },
  { name: 'googlenet', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildGoogLeNet },
  { name: 'googlenet-aux', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildGoogLeNetAux },
  { name: 'se-resnet50', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildSeResNet50 },
  { name: 'mobilenet', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildMobileNet },
  { name: 'mobilenetv2', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildMobileNetV2 },
  { name: 'ghostnet', defaultInputShape: IMAGENET, defaultClasses: 1000, build: buildGhostNet },
  { name: 'fashion-cnn', defaultInputShape: [28, 28, 1], defaultClasses: 10, build: buildFashionCnn },
];

function toInfo(entry: Entry): TemplateInfo {
  // Building is cheap (no analysis), so the metadata is read from the document once, on first listing.
  const doc = entry.build();
  return {
    name: entry.name,
    title: entry.title ?? doc.name,
    description: doc.description,
    source: doc.source,
    defaultInputShape: [...entry.defaultInputShape],
    defaultClasses: entry.defaultClasses,
    build: (options?: TemplateOptions): DesignDocument => entry.build(options ?? {}),
  };
}

let cache: TemplateInfo[] | undefined;

/** Every template, in listing order. */
export function listTemplates(): TemplateInfo[] {
  cache ??= ENTRIES.map(toInfo);
  return cache;
}

/** Template names, in listing order. */
export const TEMPLATE_NAMES: readonly string[] = ENTRIES.map((e) => e.name);

/** The template with this name, or undefined. */
export function getTemplate(name: string): TemplateInfo | undefined {
  return listTemplates().find((t) => t.name === name);
}

/** The template with this name; an unknown name throws `DesignError('unknown-template')` listing the names. */
export function requireTemplate(name: string): TemplateInfo {
  const t = getTemplate(name);
  if (!t) throw new DesignError('unknown-template', `unknown template '${name}'; templates: ${TEMPLATE_NAMES.join(', ')}`);
  return t;
}
