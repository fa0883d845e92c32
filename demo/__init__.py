"""Demo data: invented registry rows and a magnet buyer's book of cases, loaded through the
services as a user would. A top-layer app (it uses every app below it); never in production
(`LODESTONE_DEMO_DATA_ALLOWED`)."""
