import { MemoryBus } from '../../src/backends/memory/memory-bus.ts';
import { busConformance } from './bus-conformance.ts';

// In process there is one node: every "node" of the cluster is the same bus.
busConformance('memory', async (nodes) => {
  const bus = new MemoryBus();
  return { nodes: Array.from({ length: nodes }, () => bus), independentNodes: false, close: () => bus.close() };
});
