/**
 * Writes small knowledge folders for tests: the real facets.yaml and replies.yaml, and guides built
 * from a few fields, so loader and decision tests do not depend on the shipped guides' wording.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REAL_KNOWLEDGE = path.resolve(__dirname, '..', '..', 'knowledge');

export interface GuideSpec {
  id: string;
  title: string;
  examples: string[];
  aliases?: string[];
  related?: string[];
}

export function guideMarkdown(spec: GuideSpec): string {
  const list = (items: string[]) =>
    items.length === 0 ? ' []' : '\n' + items.map((x) => `  - ${JSON.stringify(x)}`).join('\n');
  return `---
id: ${spec.id}
title: ${spec.title}
aliases:${list(spec.aliases ?? [])}
related: [${(spec.related ?? []).join(', ')}]
reviewed: 2026-11-27
sources:
  - title: Nguồn thử nghiệm
    url: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test
examples:${list(spec.examples)}
en:
  title: ${spec.title} (en)
  overview: Overview in English.
  documents: Documents in English.
  fee: Fee in English.
  authority: Where in English.
---

## Tổng quan
Tổng quan về ${spec.title}.

## Giấy tờ cần nộp
Giấy tờ của ${spec.title}.

## Lệ phí
Lệ phí của ${spec.title}.

## Thời gian giải quyết
Thời gian của ${spec.title}.

## Nơi nộp
Nơi nộp của ${spec.title}.

## Nộp trực tuyến
Nộp trực tuyến ${spec.title} trên Cổng Dịch vụ công.

## Căn cứ pháp lý
Luật của ${spec.title}.

## Kết quả
Kết quả của ${spec.title}.
`;
}

/** A temporary knowledge folder with the given guide files (relative path → content). */
export function fixtureKnowledge(files: Record<string, string>, withEngineFiles = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'knowledge-'));
  if (withEngineFiles) {
    for (const f of ['facets.yaml', 'replies.yaml']) cpSync(path.join(REAL_KNOWLEDGE, f), path.join(dir, f));
  }
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

export const examples = (stem: string, n = 15) => Array.from({ length: n }, (_, i) => `${stem} câu ${i + 1}`);
