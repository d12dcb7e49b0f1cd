/** A configuration problem, named by the path of the field at fault (`priorities.high.resolution.amount`). */
export interface Problem {
  path: string;
  message: string;
}
