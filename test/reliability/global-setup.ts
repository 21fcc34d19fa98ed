// The reliability suite runs on the real stack; it prints the figures it measured when it ends.
import setupStack from '../e2e/global-setup';
import { figuresTable, resetFigures } from '../support/figures';

export default function setup(): () => void {
  setupStack();
  resetFigures();
  return () => {
    console.log(`\nReliability figures (this run):\n${figuresTable()}\n`);
  };
}
