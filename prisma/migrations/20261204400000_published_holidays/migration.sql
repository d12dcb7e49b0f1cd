-- AlterEnum
ALTER TYPE "HolidaySource" ADD VALUE 'published';

-- AlterTable
ALTER TABLE "holidays" ADD COLUMN     "confirmed_at" TIMESTAMPTZ(3),
ADD COLUMN     "confirmed_by" TEXT,
ADD COLUMN     "reference" TEXT;
