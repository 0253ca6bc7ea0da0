import type { ConnectorDefinition } from "./types";

/** Typed registry: an unknown provider id is a typed miss, never a silent null. */
export class ConnectorRegistry {
  private readonly byId: Map<string, ConnectorDefinition>;

  constructor(definitions: ConnectorDefinition[]) {
    this.byId = new Map(definitions.map((d) => [d.id, d]));
  }

  get(id: string): ConnectorDefinition | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
