// The installation's priority matrix, fetched once from the core: the intake preview must give the
// same answer the core will give when step 3 is completed, including after an admin changes it.

import { getPriorityMatrix } from "../ipc";
import { DEFAULT_MATRIX, type PriorityMatrix } from "./priority";

export const priorityMatrix = $state<{ cells: PriorityMatrix }>({ cells: DEFAULT_MATRIX });

void getPriorityMatrix()
  .then((m) => {
    priorityMatrix.cells = m.cells;
  })
  .catch(() => {
    // Without a backend the default stands; the core still decides on completion.
  });
