-- AlterTable: the name people see for the holder of a key in timelines and decisions (never the key's id)
ALTER TABLE "api_keys" ADD COLUMN "display_name" TEXT;
