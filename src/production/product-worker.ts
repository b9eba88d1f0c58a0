/**
 * The job-thread module of the production service: the handlers the job engine runs, by kind.
 * @module production/product-worker
 */
import { runJobWorker } from '../jobs/job-worker.js';
import { runProductJob } from './product-job.js';

runJobWorker({ generateProduct: runProductJob });
