// Started by `npm start` (platform/supervision.ts), never by hand: waits for the service
// process to end and then stops the children it left running (SIGKILL, out of memory, a
// crash). After a clean stop the children are gone already and it just exits.
import { isAlive, isRunning, removePidFile, stopProcess, type GuardedChild } from '../platform/supervision';

const [guardedPid, childrenJson, dataDirArg] = process.argv.slice(2);
const guarded = Number(guardedPid);
const children = JSON.parse(childrenJson ?? '[]') as GuardedChild[];
const dataDir = dataDirArg ?? process.cwd();

const timer = setInterval(() => {
  if (children.every((child) => !isRunning(child))) process.exit(0);
  if (isAlive(guarded)) return;
  clearInterval(timer);
  void Promise.all(children.map((child) => stopProcess(child))).then(() => {
    for (const child of children) removePidFile(dataDir, child.name, child.pid);
    removePidFile(dataDir, 'pasban', guarded);
    process.exit(0);
  });
}, 500);
