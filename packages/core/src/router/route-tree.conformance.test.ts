import { describeRouterConformance } from './route-tree.case.js';
import { RouteTree } from './route-tree.js';

describeRouterConformance('RouteTree', (options) => new RouteTree<string>(options));
