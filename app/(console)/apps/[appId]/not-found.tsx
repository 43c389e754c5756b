import Link from "next/link";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";

// An application id that is not in Teal's configuration: said plainly, with no controls.
export default function AppNotFound() {
  return (
    <div className="max-w-2xl">
      <Notice
        tone="warning"
        title="Application not found"
        actions={
          <Link href="/overview" className={buttonClass("secondary", "sm")}>
            Back to overview
          </Link>
        }
      >
        There is no application with this id in Teal&apos;s configuration.
      </Notice>
    </div>
  );
}
