// Desk code shared by crm_app's forms: loaded on every desk page (hooks.app_include_js).
import "./desk_links";
import "./customer_quick_entry";
import "./values_in_force";
import "./customer_overview";
import "./reports";
import "./breadcrumbs";
import "./workspace";
import "./customer_status";
import "./mailings";
import "./onboarding_tour_guard";
import "./awesomplete_status";
import "./money_form";
import "./selling";
