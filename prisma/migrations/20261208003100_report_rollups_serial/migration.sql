-- The SLA report's rollups are read a few thousand rows at a time; a parallel plan over them starts
-- workers that cost more than the scan (bench plans on the shared 2-core machine: a Gather Merge
-- taking 80-150 ms to start, for 3,000-6,000 rows). The planner plans no parallel scans of these
-- tables now. (The report's histogram query also reads one breakdown with grouping sets instead of
-- a UNION ALL, which a Parallel Append could still have spread over workers.)
ALTER TABLE "report_sla_month_targets" SET (parallel_workers = 0);
ALTER TABLE "report_sla_month_minutes" SET (parallel_workers = 0);
ALTER TABLE "report_sla_month_tickets" SET (parallel_workers = 0);
