// The baseline's one activity: no I/O, so the benchmark sees Temporal's own cost.
export function createBaselineActivities() {
  return {
    async bareActivity({ ref }: { ref: string }): Promise<string> {
      return `done ${ref}`;
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
