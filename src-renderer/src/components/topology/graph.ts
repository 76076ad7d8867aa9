// The lab document as Cytoscape elements. The canvas is a view: syncGraph makes a Cytoscape
// instance match the records (adding, removing and updating in one batch) and never the reverse.
import type { Core, ElementDefinition, StylesheetJson } from 'cytoscape';
import type { DeviceRecord, LinkRecord } from '../../lab/types';
import { deviceIconUri } from './icons';

export interface LabelText {
  linkDown: string;
  loss: (n: number) => string;
}

export function deviceLabel(d: DeviceRecord): string {
  const addresses = d.interfaces.map((i) => i.ipv4).filter((a): a is string => !!a);
  return [d.name, ...addresses.slice(0, 3), ...(addresses.length > 3 ? ['…'] : [])].join('\n');
}

export function linkLabel(l: LinkRecord, text: LabelText): string {
  const parts: string[] = [];
  if (l.latencyMs !== undefined) parts.push(`${l.latencyMs} ms`);
  if (l.lossPercent) parts.push(text.loss(l.lossPercent));
  if (!l.up) parts.push(text.linkDown);
  return parts.join(' · ');
}

export function nodeDefinition(d: DeviceRecord): ElementDefinition {
  return {
    group: 'nodes',
    data: { id: d.id, label: deviceLabel(d), kind: d.type, icon: deviceIconUri(d.type) },
    position: { x: d.position.x, y: d.position.y },
  };
}

export function edgeDefinition(l: LinkRecord, text: LabelText): ElementDefinition {
  return {
    group: 'edges',
    data: { id: l.id, source: l.a.device, target: l.b.device, label: linkLabel(l, text), srcIf: l.a.interface, dstIf: l.b.interface, up: l.up ? 1 : 0 },
    classes: l.up ? '' : 'down',
  };
}

/** Brings `cy` in line with the records. Positions of nodes being dragged are left alone. */
export function syncGraph(cy: Core, devices: DeviceRecord[], links: LinkRecord[], text: LabelText): void {
  cy.batch(() => {
    const wantNodes = new Map(devices.map((d) => [d.id, d]));
    const deviceIds = new Set(wantNodes.keys());
    const wantEdges = new Map(links.filter((l) => deviceIds.has(l.a.device) && deviceIds.has(l.b.device)).map((l) => [l.id, l]));
    cy.elements().forEach((el) => {
      const id = el.id();
      if (el.isNode() ? !wantNodes.has(id) : !wantEdges.has(id)) el.remove();
    });
    const add: ElementDefinition[] = [];
    for (const d of devices) {
      const node = cy.getElementById(d.id);
      const def = nodeDefinition(d);
      if (node.empty()) {
        add.push(def);
        continue;
      }
      for (const [k, v] of Object.entries(def.data)) if (node.data(k) !== v) node.data(k, v);
      const p = node.position();
      if (!node.grabbed() && (p.x !== d.position.x || p.y !== d.position.y)) node.position({ x: d.position.x, y: d.position.y });
    }
    for (const l of wantEdges.values()) {
      const edge = cy.getElementById(l.id);
      const def = edgeDefinition(l, text);
      if (edge.empty()) {
        add.push(def);
        continue;
      }
      if (edge.data('source') !== l.a.device || edge.data('target') !== l.b.device) {
        edge.remove();
        add.push(def);
        continue;
      }
      for (const [k, v] of Object.entries(def.data)) if (edge.data(k) !== v) edge.data(k, v);
      edge.toggleClass('down', !l.up);
    }
    if (add.length) cy.add(add);
  });
}

export interface GraphColors {
  text: string;
  textMuted: string;
  edge: string;
  labelBg: string;
  accent: string;
  danger: string;
  canvas: string;
}

export function graphStyle(c: GraphColors): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: 48,
        height: 48,
        'background-opacity': 0,
        'background-image': 'data(icon)',
        'background-fit': 'contain',
        'background-clip': 'none',
        label: 'data(label)',
        'text-wrap': 'wrap',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 6,
        'font-size': 11,
        // Labels too small to read are not drawn: large labs stay smooth when zoomed out.
        'min-zoomed-font-size': 5,
        'font-family': 'system-ui, sans-serif',
        color: c.text,
        'text-background-color': c.canvas,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
        'underlay-padding': 6,
        'underlay-opacity': 0,
        'underlay-shape': 'round-rectangle',
        'underlay-color': c.accent,
      },
    },
    { selector: 'node:selected', style: { 'underlay-opacity': 0.28, 'font-weight': 'bold' } },
    { selector: 'node.link-source, node.link-target', style: { 'underlay-opacity': 0.4, 'underlay-color': c.accent } },
    { selector: 'node.ghost', style: { width: 1, height: 1, 'background-image': 'none', label: '', 'underlay-opacity': 0, events: 'no' } },
    {
      selector: 'edge',
      style: {
        width: 2.5,
        'line-color': c.edge,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 10,
        'min-zoomed-font-size': 6,
        color: c.textMuted,
        'text-background-color': c.labelBg,
        'text-background-opacity': 1,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
        'text-rotation': 'none',
        'text-margin-y': 11,
        'source-label': 'data(srcIf)',
        'target-label': 'data(dstIf)',
        'source-text-offset': 30,
        'target-text-offset': 30,
        'source-text-margin-y': -9,
        'target-text-margin-y': -9,
        'font-family': 'system-ui, sans-serif',
      },
    },
    { selector: 'edge:selected', style: { 'line-color': c.accent, width: 4, color: c.text } },
    { selector: 'edge.down', style: { 'line-style': 'dashed', 'line-color': c.danger, 'line-dash-pattern': [6, 4] } },
    { selector: 'edge.ghost', style: { 'line-style': 'dashed', 'line-color': c.accent, label: '', 'source-label': '', 'target-label': '', events: 'no' } },
  ] as StylesheetJson;
}
