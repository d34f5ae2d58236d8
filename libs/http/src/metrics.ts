import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
  histogram(name: string, help: string, labelNames?: string[], buckets?: number[]): Histogram<string>;
  /**
   * a value read when /metrics is scraped (a queue's length). A second call with the same name replaces
   * the reader: one app per process in production; tests that build several apps on one Metrics read
   * the latest
   */
  gauge(name: string, help: string, read: () => number): void;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const counters = new Map<string, Counter<string>>();
  const histograms = new Map<string, Histogram<string>>();
  const readers = new Map<string, () => number>();
  return {
    registry,
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    counter(name, help, labelNames = []) {
      const existing = counters.get(name);
      if (existing) return existing;
      const counter = new Counter({ name, help, labelNames, registers: [registry] });
      counters.set(name, counter);
      return counter;
    },
    histogram(name, help, labelNames = [], buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]) {
      const existing = histograms.get(name);
      if (existing) return existing;
      const histogram = new Histogram({ name, help, labelNames, buckets, registers: [registry] });
      histograms.set(name, histogram);
      return histogram;
    },
    gauge(name, help, read) {
      const known = readers.has(name);
      readers.set(name, read);
      if (known) return;
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(readers.get(name)!());
        },
      });
    },
  };
}
