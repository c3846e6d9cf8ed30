// The host screen says how the cluster figures arrive: the master's event stream or polling /state.
import { fonts } from '../../src/panel/font';
import { type Bitmap, type CharFrame, type Frame, geometryOf } from '../../src/panel/frame';
import type { PanelModel } from '../../src/panel/model';
import { renderScreen } from '../../src/panel/render';
import { findText } from './bitmap-text';
import { fullModel } from './fixture-model';

const via = (v: 'stream' | 'poll'): PanelModel => {
  const m = fullModel();
  return { ...m, source: { ...m.source, via: v } };
};
const chars = (f: Frame): CharFrame => {
  if (f.kind !== 'chars') throw new Error('expected chars');
  return f.grid;
};
const bitmap = (f: Frame): Bitmap => {
  if (f.kind !== 'pixels') throw new Error('expected pixels');
  return f.bitmap;
};

describe('host screen: the state source', () => {
  it('20x4 names it at the end of the uptime row', () => {
    expect(chars(renderScreen('host', via('stream'), geometryOf('20x4'))).lines[2]).toBe('up 3d 4h      stream');
    expect(chars(renderScreen('host', via('poll'), geometryOf('20x4'))).lines[2]).toBe('up 3d 4h        poll');
  });

  it('128x64 names it beside the load', () => {
    const { small } = fonts();
    expect(findText(bitmap(renderScreen('host', via('stream'), geometryOf('128x64'))), 'stream', small)).not.toBeNull();
    expect(findText(bitmap(renderScreen('host', fullModel(), geometryOf('128x64'))), 'stream', small)).toBeNull();
  });
});
