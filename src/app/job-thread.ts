/**
 * The job-thread module: the handlers the job engine runs, by kind — the production service's
 * generateProduct and the printing service's print.
 * @module app/job-thread
 */
import { runJobWorker } from '../jobs/job-worker.js';
import { runPrintJob } from '../printing/print-job.js';
import { runProductJob } from '../production/product-job.js';

runJobWorker({ generateProduct: runProductJob, print: runPrintJob });
