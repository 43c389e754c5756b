import { redirect } from "next/navigation";

// The console starts on the overview.
export default function Home() {
  redirect("/overview");
}
