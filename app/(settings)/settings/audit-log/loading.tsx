export { SettingsLoading as default } from "@/components/settings/settings-loading";
