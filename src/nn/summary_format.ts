// The totals and the text table of summary(), with torchinfo 1.8.0's layout, so that a smoothlab
// summary reads line for line like the one a PyTorch user knows.
import type { SummaryLayer } from './summary.js';

/** Columns summary() can show (torchinfo's col_names in camelCase). */
export type SummaryColumn = 'inputSize' | 'outputSize' | 'numParams' | 'paramsPercent' | 'kernelSize' | 'multAdds' | 'trainable';

/** Row decorations (torchinfo's row_settings): attribute names, depth indices, ASCII-only tree. */
export type SummaryRowSetting = 'varNames' | 'depth' | 'asciiOnly' | 'hideRecursiveLayers';

const HEADERS: Record<SummaryColumn, string> = {
  kernelSize: 'Kernel Shape', inputSize: 'Input Shape', outputSize: 'Output Shape', numParams: 'Param #',
  paramsPercent: 'Param %', multAdds: 'Mult-Adds', trainable: 'Trainable',
};

/** Layout choices of the text form. */
export interface SummaryFormat {
  columns: SummaryColumn[];
  rowSettings: SummaryRowSetting[];
  depth: number;
  colWidth: number;
}

/** 1234567 -> '1,234,567' (Python's format(n, ',')). */
function commas(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

function fixed2(x: number): string {
  const [int, frac] = x.toFixed(2).split('.');
  return `${commas(Number(int))}.${frac}`;
}

function show(value: unknown): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0) || value === 0 || value === '') return '--';
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

function leftover(layer: SummaryLayer, key: 'numParams' | 'trainableParams'): number {
  let sum = 0;
  for (const child of layer.children) {
    if (child.isRecursive) continue;
    sum += child.isLeaf ? child[key] : leftover(child, key);
  }
  return layer[key] - sum;
}

function trainable(layer: SummaryLayer): string {
  if (layer.numParams === 0) return '--';
  if (layer.trainableParams === 0) return 'False';
  return layer.numParams === layer.trainableParams ? 'True' : 'Partial';
}

// Python's '{:,}' for a count, or ' (M)' / ' (G)' / ' (T)' and two decimals (torchinfo's Units.AUTO).
function readable(num: number, auto: boolean): string {
  let unit = '';
  let value = num;
  if (auto) {
    [unit, value] = num >= 1e12 ? [' (T)', num / 1e12] : num >= 1e9 ? [' (G)', num / 1e9] : [' (M)', num / 1e6];
  }
  return `${unit}: ${Number.isInteger(value) ? commas(value) : fixed2(value)}`;
}

/** The result of summary(): the layers, the totals, and a torchinfo-style table via toString(). */
export class ModelSummary {
  /** Every row, in call order, at all depths. */
  readonly layers: SummaryLayer[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Multiply-adds of one forward pass over the whole batch. */
  readonly totalMultAdds: number;
  readonly inputBytes: number;
  /** Outputs of the layers with parameters, twice (activations and their gradients), as torchinfo estimates. */
  readonly forwardBackwardBytes: number;
  readonly paramBytes: number;
  readonly totalBytes: number;
  readonly format: SummaryFormat;

  constructor(layers: SummaryLayer[], inputBytes: number, format: SummaryFormat) {
    this.layers = layers;
    this.format = format;
    let total = 0;
    let train = 0;
    let macs = 0;
    let outputBytes = 0;
    let paramBytes = 0;
    for (const layer of layers) {
      if (layer.isLeaf) {
        macs += layer.multAdds;
        if (layer.numParams > 0) outputBytes += layer.outputBytes * 2;
        if (layer.isRecursive) continue;
        total += Math.max(layer.numParams, 0);
        paramBytes += layer.paramBytes;
        train += Math.max(layer.trainableParams, 0);
      } else if (!layer.isRecursive) {
        total += Math.max(leftover(layer, 'numParams'), 0);
        train += Math.max(leftover(layer, 'trainableParams'), 0);
      }
    }
    this.totalParams = total;
    this.trainableParams = train;
    this.nonTrainableParams = total - train;
    this.totalMultAdds = macs;
    this.inputBytes = inputBytes;
    this.forwardBackwardBytes = outputBytes;
    this.paramBytes = paramBytes;
    this.totalBytes = inputBytes + outputBytes + paramBytes;
  }

  #name(layer: SummaryLayer): string {
    const { rowSettings } = this.format;
    let name = layer.className;
    if (rowSettings.includes('varNames') && layer.varName) name += ` (${layer.varName})`;
    if (rowSettings.includes('depth') && layer.depth > 0) name += `: ${layer.depth}-${layer.depthIndex}`;
    return name;
  }

  #cell(layer: SummaryLayer, column: SummaryColumn, atMaxDepth: boolean): string {
    switch (column) {
      case 'kernelSize': return show(layer.kernelSize);
      case 'inputSize': return show(layer.inputShape);
      case 'outputSize': return show(layer.outputShape);
      case 'trainable': return trainable(layer);
      case 'numParams': {
        if (layer.numParams === 0) return '--';
        if (layer.isRecursive) return '(recursive)';
        if (atMaxDepth || layer.isLeaf) return layer.trainableParams ? commas(layer.numParams) : `(${commas(layer.numParams)})`;
        const rest = leftover(layer, 'numParams');
        return rest > 0 ? commas(rest) : '--';
      }
      case 'paramsPercent': {
        const zero = '     --';
        if (this.totalParams === 0) return zero;
        if (layer.isRecursive) return '(recursive)';
        const params = atMaxDepth || layer.isLeaf ? layer.numParams : leftover(layer, 'numParams');
        return params === 0 ? zero : `${((params / this.totalParams) * 100).toFixed(2)}%`.padStart(7);
      }
      case 'multAdds': {
        if (layer.multAdds <= 0) return '--';
        if (layer.isLeaf) return commas(layer.multAdds);
        if (atMaxDepth) return commas(layer.children.filter((c) => c.isLeaf).reduce((n, c) => n + c.multAdds, 0));
        return '--';
      }
      default:
        throw new TypeError(`summary: unknown column ${JSON.stringify(column)}`);
    }
  }

  /** The table, line for line as torchinfo prints it. */
  toString(): string {
    const { columns, rowSettings, depth, colWidth } = this.format;
    const ascii = rowSettings.includes('asciiOnly');
    let nameWidth = 40;
    const longest = Math.max(...this.layers.map((l) => this.#name(l).length + l.depth * 5 + 1));
    if (longest >= nameWidth) nameWidth = Math.ceil(longest / 5) * 5;
    const row = (name: string, cells: string[]) =>
      `${[name.padEnd(nameWidth), ...cells.map((c) => c.padEnd(colWidth))].join(' ')}`.trimEnd();
    const prefix = (d: number) => (d === 0 ? '' : d === 1 ? (ascii ? '+ ' : '├─') : (ascii ? '|    ' : '│    ').repeat(d - 1) + (ascii ? '+ ' : '└─'));
    const divider = '='.repeat(columns.length * colWidth + nameWidth);
    let header = 'Layer (type';
    if (rowSettings.includes('varNames')) header += ' (var_name)';
    if (rowSettings.includes('depth')) header += ':depth-idx';
    const lines = [divider, row(`${header})`, columns.map((c) => HEADERS[c])), divider];
    for (const layer of this.layers) {
      if (layer.depth > depth || (rowSettings.includes('hideRecursiveLayers') && layer.isRecursive)) continue;
      lines.push(row(prefix(layer.depth) + this.#name(layer), columns.map((c) => this.#cell(layer, c, layer.depth === depth))));
    }
    const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
    lines.push(divider,
      `Total params${readable(this.totalParams, false)}`,
      `Trainable params${readable(this.trainableParams, false)}`,
      `Non-trainable params${readable(this.nonTrainableParams, false)}`,
      `Total mult-adds${readable(this.totalMultAdds, true)}`,
      divider,
      `Input size (MB): ${mb(this.inputBytes)}`,
      `Forward/backward pass size (MB): ${mb(this.forwardBackwardBytes)}`,
      `Params size (MB): ${mb(this.paramBytes)}`,
      `Estimated Total Size (MB): ${mb(this.totalBytes)}`,
      divider);
    return lines.join('\n');
  }
}
