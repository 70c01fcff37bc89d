// Side by side: the selected images in columns, each parameter in a row, the rows whose values differ
// highlighted.
import type { GalleryAsset } from '../../src/shared/webviewProtocol';
import { compareAssets } from '../../src/shared/galleryView';
import { element } from './dom';
import { openOverlay } from './overlay';

export function showComparison(assets: readonly GalleryAsset[]): void {
  const rows = compareAssets(assets);
  const differing = rows.filter((row) => row.differs).length;
  const table = element('table', { className: 'compare-table' }, [
    element('thead', {}, [
      element('tr', {}, [
        element('th', { scope: 'col', textContent: '' }),
        ...assets.map((asset) =>
          element('th', { scope: 'col' }, [element('img', { src: asset.src, alt: asset.prompt, className: 'compare-image' })]),
        ),
      ]),
    ]),
    element(
      'tbody',
      {},
      rows.map((row) =>
        element('tr', { className: row.differs ? 'differs' : 'same', title: row.differs ? 'Differs' : 'The same for all' }, [
          element('th', { scope: 'row', textContent: row.label }),
          ...row.values.map((value) => element('td', { textContent: value || '—' })),
        ]),
      ),
    ),
  ]);
  const summary = element('p', {
    className: 'compare-summary',
    textContent: `${assets.length} images · ${differing === 0 ? 'no parameter differs' : `${differing} parameter${differing === 1 ? ' differs' : 's differ'} (highlighted)`}`,
  });
  openOverlay('compare', 'Compare', [summary, element('div', { className: 'compare-scroll' }, [table])]);
}
